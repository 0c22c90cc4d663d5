package bng.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import bng.core.api.Mastership.State;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The state machine alone, on a fake clock (milliseconds). */
class VrrpMachineTest {
    static final int A = Ipv4.parse("198.18.0.2");
    static final int B = Ipv4.parse("198.18.0.4");

    final List<String> events = new ArrayList<>();
    final VrrpMachine.Output out = new VrrpMachine.Output() {
        @Override
        public void advertise(int priority) {
            events.add("advert " + priority);
        }

        @Override
        public void transition(State from, State to, String reason) {
            events.add(from + "->" + to);
        }

        @Override
        public void announce(String reason) {
            events.add("announce");
        }
    };

    VrrpMachine machine(int priority, boolean preempt, int delay) {
        return new VrrpMachine(out, 2, 1, preempt, delay, A, priority);
    }

    @Test
    void masterDownIntervalIsThreeAdvertsPlusSkew() {
        assertEquals(3000 + (256 - 200) * 1000 / 256, machine(200, true, 0).masterDownMillis());
        assertEquals(3609, machine(100, true, 0).masterDownMillis());
        VrrpMachine v3 = new VrrpMachine(out, 3, 2, true, 0, A, 100);
        assertEquals(6000 + 156 * 2000 / 256, v3.masterDownMillis());
    }

    @Test
    void aLoneBackupBecomesMasterWhenTheMasterDownTimerExpires() {
        VrrpMachine m = machine(100, true, 0);
        m.start(0);
        assertEquals(List.of("INIT->BACKUP"), events);
        m.tick(3608);
        assertEquals(State.BACKUP, m.state());
        m.tick(3609);
        assertEquals(State.MASTER, m.state());
        assertEquals(List.of("INIT->BACKUP", "advert 100", "BACKUP->MASTER"), events);
        events.clear();
        m.tick(4000);
        m.tick(4609);
        m.tick(5609);
        assertEquals(List.of("advert 100", "advert 100"), events, "one advert a second");
    }

    @Test
    void theOwnerIsMasterAtOnce() {
        VrrpMachine m = machine(255, true, 0);
        m.start(0);
        assertEquals(List.of("advert 255", "INIT->MASTER"), events);
    }

    @Test
    void advertsFromAHigherMasterKeepTheBackupWaiting() {
        VrrpMachine m = machine(100, true, 0);
        m.start(0);
        for (long t = 1000; t <= 20_000; t += 1000) {
            m.receive(200, B, t);
            m.tick(t);
        }
        assertEquals(State.BACKUP, m.state());
        assertEquals(B, m.masterAddress());
        m.tick(20_000 + 3609);
        assertEquals(State.MASTER, m.state(), "the master fell silent");
    }

    @Test
    void aResigningMasterIsReplacedAfterTheSkewTime() {
        VrrpMachine m = machine(100, true, 0);
        m.start(0);
        m.receive(200, B, 1000);
        m.receive(0, B, 1500);
        m.tick(1500 + 608);
        assertEquals(State.BACKUP, m.state());
        m.tick(1500 + 609);
        assertEquals(State.MASTER, m.state());
    }

    @Test
    void aHigherBackupPreemptsALowerMaster() {
        VrrpMachine m = machine(200, true, 0);
        m.start(0);
        m.receive(100, B, 100);
        m.receive(100, B, 1100);
        m.receive(100, B, 2100);
        m.tick(3218);
        assertEquals(State.MASTER, m.state(), "lower adverts do not reset the timer");
    }

    @Test
    void withoutPreemptionTheLowerMasterStays() {
        VrrpMachine m = machine(200, false, 0);
        m.start(0);
        for (long t = 100; t < 10_000; t += 1000) {
            m.receive(100, B, t);
            m.tick(t);
        }
        assertEquals(State.BACKUP, m.state());
    }

    @Test
    void thePreemptDelayPostponesTheTakeOver() {
        VrrpMachine m = machine(200, true, 8);
        m.start(0);
        long t = 100;
        for (; t < 8100; t += 1000) {
            m.receive(100, B, t);
            m.tick(t);
            assertEquals(State.BACKUP, m.state(), "at " + t);
        }
        for (; t < 20_000 && m.state() == State.BACKUP; t += 100) {
            if (t % 1000 == 100) {
                m.receive(100, B, t);
            }
            m.tick(t);
        }
        assertEquals(State.MASTER, m.state());
        // lower adverts from 100 on; the last one inside the 8 s delay (7100) resets the timer: 7100 + 3218
        assertEquals(10_318, t - 100, 100);
    }

    @Test
    void aMasterHearingAHigherPriorityStepsDown() {
        VrrpMachine m = machine(100, true, 0);
        m.start(0);
        m.tick(3609);
        events.clear();
        m.receive(200, B, 4000);
        assertEquals(State.BACKUP, m.state());
        assertEquals(List.of("MASTER->BACKUP", "advert 100"), events, "one last advert: the winner re-announces");
    }

    @Test
    void onEqualPrioritiesTheHigherAddressWins() {
        VrrpMachine m = machine(100, true, 0); // A = .2 < B = .4
        m.start(0);
        m.tick(3609);
        m.receive(100, B, 4000);
        assertEquals(State.BACKUP, m.state());
        VrrpMachine high = new VrrpMachine(out, 2, 1, true, 0, B, 100);
        high.start(0);
        high.tick(3609);
        high.receive(100, A, 4000);
        assertEquals(State.MASTER, high.state());
    }

    @Test
    void aMasterHearingALowerPriorityReassertsItselfAndReannounces() {
        VrrpMachine m = machine(200, true, 0);
        m.start(0);
        m.tick(3218);
        events.clear();
        m.receive(100, B, 4000);
        m.receive(100, B, 4100); // rate limited: once per interval
        m.receive(100, B, 5000);
        assertEquals(List.of("advert 200", "announce", "advert 200", "announce"), events);
        assertEquals(State.MASTER, m.state());
    }

    @Test
    void aMasterAnswersAResignationWithAnAdvert() {
        VrrpMachine m = machine(200, true, 0);
        m.start(0);
        m.tick(3218);
        events.clear();
        m.receive(0, B, 4000);
        assertEquals(List.of("advert 200"), events);
    }

    @Test
    void aTrackedDropIsAdvertisedAtOnceAndShutdownResigns() {
        VrrpMachine m = machine(200, true, 0);
        m.start(0);
        m.tick(3218);
        events.clear();
        m.priority(190, 3300);
        m.priority(190, 3400);
        m.priority(200, 3500);
        assertEquals(List.of("advert 190"), events, "a rise waits for the next interval");
        events.clear();
        m.shutdown("stop");
        assertEquals(List.of("advert 0", "MASTER->INIT"), events);
    }
}
