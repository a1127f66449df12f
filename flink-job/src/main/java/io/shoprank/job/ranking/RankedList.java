package io.shoprank.job.ranking;

/** A recommendation list: items best first, their scores and a short reason for each. */
public record RankedList(String[] items, double[] scores, String[] reasons) {}
