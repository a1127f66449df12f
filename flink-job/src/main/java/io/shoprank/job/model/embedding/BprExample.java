package io.shoprank.job.model.embedding;

/** A user's event on {@code positive} after the {@code context} items, with sampled {@code negatives}. */
public record BprExample(String[] context, String positive, String[] negatives) {}
