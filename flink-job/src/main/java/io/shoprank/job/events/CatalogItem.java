package io.shoprank.job.events;

import java.util.Objects;

/** A catalog upsert of an item's attributes (Flink POJO); absent attributes are null and keep their old value. */
public class CatalogItem {
    public long ts;
    public String item;
    public String title;
    public String category;
    public String brand;
    public Double price;
    public Boolean inStock;

    public CatalogItem() {}

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof CatalogItem)) return false;
        CatalogItem c = (CatalogItem) o;
        return ts == c.ts && Objects.equals(item, c.item) && Objects.equals(title, c.title)
                && Objects.equals(category, c.category) && Objects.equals(brand, c.brand)
                && Objects.equals(price, c.price) && Objects.equals(inStock, c.inStock);
    }

    @Override
    public int hashCode() {
        return Objects.hash(ts, item);
    }

    @Override
    public String toString() {
        return "CatalogItem{" + item + " '" + title + "' cat=" + category + " price=" + price + "}";
    }
}
