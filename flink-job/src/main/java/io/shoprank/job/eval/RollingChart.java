package io.shoprank.job.eval;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/** Draws rolling HR@20 over event time for the system and the baselines as a PNG (XChart). */
public final class RollingChart {
    private static final int POINTS = 400;

    private RollingChart() {}

    public static void write(Path png, String title, QualityReport r) throws IOException {
        int window = Math.max(200, r.systemSeries.size() / 40);
        XYChart chart = new XYChartBuilder().width(1000).height(500).title(title)
                .xAxisTitle("event time").yAxisTitle("HR@20, rolling over " + window + " targets").build();
        chart.getStyler().setDatePattern("MM-dd HH:mm");
        chart.getStyler().setMarkerSize(0);
        add(chart, "system", r.systemSeries, window);
        add(chart, "covisit baseline", r.covisitSeries, window);
        add(chart, "popular baseline", r.popularSeries, window);
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static void add(XYChart chart, String name, List<long[]> series, int window) {
        List<Date> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        int step = Math.max(1, series.size() / POINTS);
        int hits = 0;
        for (int i = 0; i < series.size(); i++) {
            long rank = series.get(i)[1];
            if (rank >= 0 && rank < 20) hits++;
            if (i >= window) {
                long old = series.get(i - window)[1];
                if (old >= 0 && old < 20) hits--;
            }
            if (i + 1 >= Math.min(window, series.size()) && (i % step == 0 || i == series.size() - 1)) {
                xs.add(new Date(series.get(i)[0]));
                ys.add(hits / (double) Math.min(window, i + 1));
            }
        }
        if (!xs.isEmpty()) {
            XYSeries s = chart.addSeries(name, xs, ys);
            s.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
        }
    }
}
