package io.shoprank.job.ranking;

/** One of a user's latest items, with its co-visitation neighbours as carried by the user's touch. */
public class Seed {
    public String item;
    public String[] neighbours;
    public double[] weights;

    public Seed() {}

    public Seed(String item, String[] neighbours, double[] weights) {
        this.item = item;
        this.neighbours = neighbours;
        this.weights = weights;
    }
}
