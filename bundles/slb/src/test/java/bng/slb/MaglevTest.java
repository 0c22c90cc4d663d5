package bng.slb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The Maglev properties slb relies on, over 100,000 simulated clients. */
class MaglevTest {
    static final int FLOWS = 100_000;
    static final int BASE = 0xc6120000; // 198.18.0.0

    static int[] ids(int n) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i + 1;
        }
        return ids;
    }

    static int[] table(int[] ids) {
        long[] names = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            names[i] = Maglev.name(0xc6120100 + ids[i], 80); // 198.18.1.x:80
        }
        return Maglev.build(ids, names);
    }

    static int[] assign(int[] table) {
        int[] a = new int[FLOWS];
        for (int c = 0; c < FLOWS; c++) {
            a[c] = table[Maglev.index(BASE + c * 7919, table.length)];
        }
        return a;
    }

    static double moved(int[] a, int[] b) {
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            n += a[i] != b[i] ? 1 : 0;
        }
        return (double) n / a.length;
    }

    @Test
    void theTableSizeIsAFixedPrimeAbove100TimesTheTargets() {
        assertEquals(65537, Maglev.tableSize(1));
        assertEquals(65537, Maglev.tableSize(655));
        assertEquals(655373, Maglev.tableSize(656));
        assertTrue(Maglev.isPrime(655373) && !Maglev.isPrime(655371));
        assertEquals(65537, table(ids(10)).length);
    }

    @Test
    void everyTargetGetsAboutTheSameShare() {
        int[] t = table(ids(10));
        int[] per = new int[11];
        for (int id : t) {
            per[id]++;
        }
        for (int id = 1; id <= 10; id++) {
            assertTrue(per[id] >= 6553 && per[id] <= 6554, "target " + id + " has " + per[id] + " of 65537 entries");
        }
    }

    @Test
    void removingOneOfTenTargetsMovesAboutATenthOfTheFlows() {
        int[] ten = assign(table(ids(10)));
        int[] nine = assign(table(new int[] {1, 2, 3, 4, 5, 6, 8, 9, 10})); // 7 leaves
        double m = moved(ten, nine);
        assertTrue(m <= 0.12, "moved " + m);
        for (int i = 0; i < FLOWS; i++) {
            if (ten[i] != 7) {
                // Most flows of the others stay; Maglev allows a little extra churn.
                continue;
            }
            assertTrue(nine[i] != 7);
        }
    }

    @Test
    void addingAnEleventhTargetMovesAboutAnEleventhOfTheFlows() {
        double m = moved(assign(table(ids(10))), assign(table(ids(11))));
        assertTrue(m >= 0.07 && m <= 0.12, "moved " + m);
    }

    @Test
    void twoIndependentBuildsAgreeOnEveryFlowWhateverTheListOrder() {
        int[] a = table(ids(10));
        int[] reversed = ids(10);
        for (int i = 0; i < 5; i++) {
            int x = reversed[i];
            reversed[i] = reversed[9 - i];
            reversed[9 - i] = x;
        }
        int[] b = table(reversed);
        assertArrayEquals(a, b);
        assertEquals(0.0, moved(assign(a), assign(b)));
        assertTrue(Arrays.stream(a).allMatch(id -> id >= 1 && id <= 10));
    }
}
