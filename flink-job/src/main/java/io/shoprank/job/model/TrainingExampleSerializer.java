package io.shoprank.job.model;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

import java.io.IOException;

/**
 * The training examples' serializer on their way from the co-visitation stage to the model updater (about two
 * per event): a kind byte and only the fields of that kind, where Flink's POJO serializer wrote every field,
 * null flags included, through reflection (Flink serialization was a third of the updater's samples, these
 * examples' and its deltas'). Used for the network only ({@link TrainingExampleTypeInfo} on the side output):
 * the updater's checkpointed mini-batch keeps the POJO serializer, so its state format is unchanged.
 */
public final class TrainingExampleSerializer extends TypeSerializerSingleton<TrainingExample> {
    private static final long serialVersionUID = 1L;
    public static final TrainingExampleSerializer INSTANCE = new TrainingExampleSerializer();

    private static final byte CONVERSION = 0;
    private static final byte INTERACTION = 1;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TrainingExample createInstance() {
        return new TrainingExample();
    }

    @Override
    public TrainingExample copy(TrainingExample from) {
        TrainingExample e = new TrainingExample();
        e.kind = from.kind;
        e.ts = from.ts;
        e.idx = from.idx == null ? null : from.idx.clone();
        e.val = from.val == null ? null : from.val.clone();
        e.label = from.label;
        e.context = from.context == null ? null : from.context.clone();
        e.positive = from.positive;
        e.negatives = from.negatives == null ? null : from.negatives.clone();
        return e;
    }

    @Override
    public TrainingExample copy(TrainingExample from, TrainingExample reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(TrainingExample e, DataOutputView out) throws IOException {
        if (e.kind == TrainingExample.Kind.CONVERSION) {
            out.writeByte(CONVERSION);
            out.writeLong(e.ts);
            out.writeBoolean(e.label);
            out.writeInt(e.idx.length);
            for (int i : e.idx) out.writeInt(i);
            out.writeBoolean(e.val != null);
            if (e.val != null) {
                for (float v : e.val) out.writeFloat(v);
            }
        } else if (e.kind == TrainingExample.Kind.INTERACTION) {
            out.writeByte(INTERACTION);
            out.writeLong(e.ts);
            StringValue.writeString(e.positive, out);
            writeStrings(e.context, out);
            writeStrings(e.negatives, out);
        } else {
            throw new IOException("training example without a kind");
        }
    }

    @Override
    public TrainingExample deserialize(DataInputView in) throws IOException {
        byte kind = in.readByte();
        TrainingExample e = new TrainingExample();
        e.ts = in.readLong();
        if (kind == CONVERSION) {
            e.kind = TrainingExample.Kind.CONVERSION;
            e.label = in.readBoolean();
            e.idx = new int[in.readInt()];
            for (int i = 0; i < e.idx.length; i++) e.idx[i] = in.readInt();
            if (in.readBoolean()) {
                e.val = new float[e.idx.length];
                for (int i = 0; i < e.val.length; i++) e.val[i] = in.readFloat();
            }
        } else if (kind == INTERACTION) {
            e.kind = TrainingExample.Kind.INTERACTION;
            e.positive = StringValue.readString(in);
            e.context = readStrings(in);
            e.negatives = readStrings(in);
        } else {
            throw new IOException("unknown training example kind " + kind);
        }
        return e;
    }

    @Override
    public TrainingExample deserialize(TrainingExample reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    /** Strings as Flink's string serializer writes them (any length; null as length -1 for the array). */
    private static void writeStrings(String[] s, DataOutputView out) throws IOException {
        out.writeInt(s == null ? -1 : s.length);
        if (s == null) return;
        for (String x : s) StringValue.writeString(x, out);
    }

    private static String[] readStrings(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) return null;
        String[] s = new String[n];
        for (int i = 0; i < n; i++) s[i] = StringValue.readString(in);
        return s;
    }

    @Override
    public TypeSerializerSnapshot<TrainingExample> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot: no configuration. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<TrainingExample> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
