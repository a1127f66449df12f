package io.shoprank.job.model;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Type information of the training examples' side output: {@link TrainingExampleSerializer}. */
public final class TrainingExampleTypeInfo extends TypeInformation<TrainingExample> {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<TrainingExample> getTypeClass() {
        return TrainingExample.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<TrainingExample> createSerializer(SerializerConfig config) {
        return TrainingExampleSerializer.INSTANCE;
    }

    @Override
    public String toString() {
        return "TrainingExample";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainingExampleTypeInfo;
    }

    @Override
    public int hashCode() {
        return TrainingExampleTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof TrainingExampleTypeInfo;
    }
}
