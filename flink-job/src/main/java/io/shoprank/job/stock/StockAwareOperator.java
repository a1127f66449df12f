package io.shoprank.job.stock;

import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * Hosts a keyed function with a second, broadcast input: the catalog's stock changes, handed to the function
 * on arrival. Event time follows the first input alone (the function's timers, the watermarks it forwards):
 * the catalog's watermark must neither hold back nor advance it. No state of its own.
 */
public final class StockAwareOperator<K, IN, OUT> extends KeyedProcessOperator<K, IN, OUT>
        implements TwoInputStreamOperator<IN, StockChange, OUT> {
    private static final long serialVersionUID = 1L;

    public <F extends KeyedProcessFunction<K, IN, OUT> & StockListener> StockAwareOperator(F function) {
        super(function);
    }

    @Override
    public void processElement1(StreamRecord<IN> record) throws Exception {
        processElement(record);
    }

    @Override
    public void processElement2(StreamRecord<StockChange> record) {
        ((StockListener) userFunction).onStockChange(record.getValue());
    }

    @Override
    public void processWatermark1(Watermark mark) throws Exception {
        processWatermark(mark);
    }

    @Override
    public void processWatermark2(Watermark mark) {
        // the catalog's event time is not this operator's
    }

    @Override
    protected void processWatermarkStatus(WatermarkStatus status, int index) throws Exception {
        if (index == 0) {
            output.emitWatermarkStatus(status);
        }
    }
}
