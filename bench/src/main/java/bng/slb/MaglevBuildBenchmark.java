package bng.slb;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The Maglev table build of a {@code hash} server ({@link Maglev#build}), which slb runs for every
 * configuration change (not per packet): {@code targets} targets of 198.18.0.0/15 on port 80, equal
 * weights. The table has 65,537 entries up to 655 targets and 655,373 from 656 to 6,553
 * ({@link Maglev#tableSize}). In the package of the package-private class it measures.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MaglevBuildBenchmark {
    @Param({"2", "10", "100", "1000"})
    public int targets;

    private int[] ids;
    private long[] names;
    private int[] weights;

    @Setup
    public void targets() {
        ids = new int[targets];
        names = new long[targets];
        weights = new int[targets];
        Arrays.fill(weights, 1);
        for (int k = 0; k < targets; k++) {
            ids[k] = k + 1;
            names[k] = Maglev.name(0xc6120000 + 11 + k, 80);
        }
    }

    @Benchmark
    public int[] build() {
        return Maglev.build(ids, names, weights);
    }
}
