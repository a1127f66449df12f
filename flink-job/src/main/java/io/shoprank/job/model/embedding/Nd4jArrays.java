package io.shoprank.job.model.embedding;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Moving data in and out of ND4J in one copy each way. (ND4J's {@code create(float[][])} and
 * {@code toDoubleMatrix()} go row by row or element by element across JNI: measured ~2 ms for a 60 x 28
 * product here, against ~50 µs with flat arrays.)
 */
final class Nd4jArrays {
    private Nd4jArrays() {}

    static INDArray matrix(float[] rowMajor, int rows, int cols) {
        return Nd4j.create(rowMajor, new long[] {rows, cols}, 'c');
    }

    /** The array's values in row-major order. */
    static float[] values(INDArray a) {
        INDArray c = a.ordering() == 'c' && !a.isView() ? a : a.dup('c');
        return c.data().asFloat();
    }
}
