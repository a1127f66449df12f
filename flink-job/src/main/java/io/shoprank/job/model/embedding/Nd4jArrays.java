package io.shoprank.job.model.embedding;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;

/**
 * Moving data in and out of ND4J cheaply. ND4J's {@code create(float[][])}, {@code create(float[], shape)}
 * and {@code toDoubleMatrix()} copy element by element across JNI (measured: ~2 ms for a 60 x 28 product,
 * and most of the ranking stage's time for a 2,000-row pool); a long-lived array written and read through
 * its native buffer's NIO view costs plain Java memory access.
 */
final class Nd4jArrays {
    private Nd4jArrays() {}

    /** A float matrix in row-major order whose values are reached through {@link #view}. */
    static INDArray matrix(int rows, int cols) {
        return Nd4j.create(DataType.FLOAT, new long[] {rows, cols}, 'c');
    }

    /**
     * A float matrix in column-major order: the result layout ND4J's matrix product writes directly (into a
     * row-major result it writes a temporary and copies).
     */
    static INDArray columnMajor(int rows, int cols) {
        return Nd4j.create(DataType.FLOAT, new long[] {rows, cols}, 'f');
    }

    static FloatBuffer view(INDArray a) {
        return a.data().asNioFloat();
    }
}
