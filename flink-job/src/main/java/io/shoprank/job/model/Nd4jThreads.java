package io.shoprank.job.model;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Keeps ND4J's native math on the calling thread. By default libnd4j and its BLAS split every op over one
 * OpenMP thread per core; in this job every operator subtask already has a task thread of its own and the
 * arrays are small (a mini-batch, a user's candidates), so the extra threads only oversubscribe the cores
 * and spin-wait for each other. Measured on this 2-core machine with a replay running beside it: a BPR
 * mini-batch of 64 examples took 3-6 ms with the default threads and ~0.8 ms with one
 * ({@code ModelUpdateBenchmark}). Process-wide settings, idempotent; the OpenMP setting applies to the
 * calling thread, so each ND4J-using operator calls this on its own task thread before its first op (the
 * updater and the ranking stage, when they initialise their state). The launch scripts and the image also set
 * {@code OMP_NUM_THREADS=1}, which covers threads that never call it.
 */
public final class Nd4jThreads {
    private Nd4jThreads() {}

    public static void useCallingThreadOnly() {
        Nd4j.getEnvironment().setMaxMasterThreads(1);
        Nd4j.getEnvironment().setMaxThreads(1);
        Nd4j.factory().blas().setMaxThreads(1);
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(1);
    }
}
