package io.ffrtmp.analysis;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.Rectangle;
import java.awt.geom.Ellipse2D;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.SeriesRenderingOrder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.StatisticalBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.text.TextUtils;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.ViewBox;

/** JFreeChart plots rendered to SVG strings for inlining into the HTML report. */
final class EnergyCharts {
  static final Color BAR = new Color(0x6b8fb3);
  static final Color FRONT = new Color(0xd9822b);
  static final Color POINT = new Color(0x4a6f94);

  private static final int WIDTH_PX = 820;
  private static final int BAR_ROW_PX = 26;
  private static final int CHART_CHROME_PX = 130;
  private static final int SCATTER_HEIGHT_PX = 480;

  /**
   * Namespace declarations are the only URLs JFreeSVG writes; the HTML parser puts inline {@code
   * <svg>} in the SVG namespace on its own, so dropping them keeps the page free of any http(s)
   * reference.
   */
  private static final Pattern NAMESPACE_DECLARATION =
      Pattern.compile("\\s+xmlns(?::\\w+)?=(['\"])[^'\"]*\\1");

  static {
    // The workaround draws rotated text (the vertical axis labels) as glyph outlines: unsearchable,
    // unselectable
    // and bulky in SVG. Java2D's rotated drawString is correct on every JDK this project supports.
    TextUtils.setUseDrawRotatedStringWorkaround(false);
  }

  private EnergyCharts() {}

  /**
   * Horizontal bars of mean J/frame in rank order. Error bars are the 95 % half-width, not a
   * standard deviation: StatisticalBarRenderer draws mean ± whatever is stored as the "standard
   * deviation", and none is drawn when it is null (n = 1).
   */
  static String joulesPerFrameBars(List<ConfigurationSummary> rows, String title, String id) {
    DefaultStatisticalCategoryDataset dataset = new DefaultStatisticalCategoryDataset();
    Map<String, Boolean> front = new HashMap<>();
    for (ConfigurationSummary row : rows) {
      if (row.joulesPerFrame() == null) {
        continue;
      }
      String label = "#" + row.rank() + " " + row.configKey();
      dataset.add(
          (Number) row.joulesPerFrame().mean(),
          row.joulesPerFrame().ci95HalfWidth(),
          "mean J/frame",
          label);
      front.put(label, row.paretoFront());
    }
    JFreeChart chart =
        ChartFactory.createBarChart(
            title,
            "configuration",
            "energy per frame (J/frame)",
            null,
            PlotOrientation.HORIZONTAL,
            false,
            false,
            false);
    CategoryPlot plot = chart.getCategoryPlot();
    plot.setDataset(dataset);
    StatisticalBarRenderer renderer =
        new StatisticalBarRenderer() {
          @Override
          public Paint getItemPaint(int row, int column) {
            return Boolean.TRUE.equals(front.get((String) dataset.getColumnKey(column)))
                ? FRONT
                : BAR;
          }
        };
    renderer.setErrorIndicatorPaint(Color.BLACK);
    renderer.setDrawBarOutline(false);
    renderer.setShadowVisible(false);
    plot.setRenderer(renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    CategoryAxis categories = plot.getDomainAxis();
    categories.setMaximumCategoryLabelWidthRatio(0.45f);
    categories.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    int height = CHART_CHROME_PX + BAR_ROW_PX * Math.max(1, dataset.getColumnCount());
    return svg(chart, height, id);
  }

  /**
   * Quality against J/frame; the front's points are joined in ascending energy so its shape can be
   * read off.
   */
  static String qualityScatter(
      List<ConfigurationSummary> rows,
      List<ConfigurationSummary> frontRows,
      QualityMetric metric,
      String title,
      String id) {
    return scatter(
        rows,
        frontRows,
        s -> s.joulesPerFrame() == null ? null : s.joulesPerFrame().mean(),
        "energy per frame (J/frame)",
        s -> s.quality(metric),
        metric.axisLabel(),
        "Pareto front",
        true,
        title,
        id);
  }

  /**
   * A 2-D projection of the three-way front: every configuration as a point labelled by rank, the
   * front's members ringed (not joined: a projection of a 3-D front is not a line).
   */
  static String projection(
      List<ConfigurationSummary> rows,
      List<ConfigurationSummary> members,
      Function<ConfigurationSummary, Double> x,
      String xLabel,
      Function<ConfigurationSummary, Double> y,
      String yLabel,
      String title,
      String id) {
    return scatter(rows, members, x, xLabel, y, yLabel, "three-way front", false, title, id);
  }

  /**
   * Every configuration as a point labelled by its rank, and the members ringed, joined in order
   * when {@code join} (a 2-D front is a line).
   */
  private static String scatter(
      List<ConfigurationSummary> rows,
      List<ConfigurationSummary> members,
      Function<ConfigurationSummary, Double> x,
      String xLabel,
      Function<ConfigurationSummary, Double> y,
      String yLabel,
      String membersLegend,
      boolean join,
      String title,
      String id) {
    XYSeries all = new XYSeries("configurations (label = rank)", false, true);
    XYSeries front = new XYSeries(membersLegend, false, true);
    Map<Integer, String> labels = new HashMap<>();
    for (ConfigurationSummary row : rows) {
      if (x.apply(row) != null && y.apply(row) != null) {
        labels.put(all.getItemCount(), "#" + row.rank());
        all.add(x.apply(row), y.apply(row));
      }
    }
    for (ConfigurationSummary row : members) {
      if (x.apply(row) != null && y.apply(row) != null) {
        front.add(x.apply(row), y.apply(row));
      }
    }
    XYSeriesCollection dataset = new XYSeriesCollection();
    dataset.addSeries(all);
    dataset.addSeries(front);
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            title, xLabel, yLabel, dataset, PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer();
    renderer.setSeriesLinesVisible(0, false);
    renderer.setSeriesShapesVisible(0, true);
    renderer.setSeriesPaint(0, POINT);
    renderer.setSeriesLinesVisible(1, join);
    renderer.setSeriesShapesVisible(1, true);
    renderer.setSeriesPaint(1, FRONT);
    // A larger ring drawn after the points, so a front of a single configuration is still visible.
    renderer.setSeriesShape(1, new Ellipse2D.Double(-6, -6, 12, 12));
    renderer.setSeriesShapesFilled(1, false);
    renderer.setSeriesStroke(1, new BasicStroke(2f));
    renderer.setSeriesItemLabelGenerator(0, (data, series, item) -> labels.get(item));
    renderer.setSeriesItemLabelsVisible(0, true);
    plot.setRenderer(renderer);
    plot.setSeriesRenderingOrder(SeriesRenderingOrder.FORWARD);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    ((NumberAxis) plot.getDomainAxis()).setAutoRangeIncludesZero(false);
    ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
    return svg(chart, SCATTER_HEIGHT_PX, id);
  }

  /**
   * Rate sweeps as curves: quality on y against {@code x} (bitrate or J/frame, log scale), one line
   * per encoder setting through its points in quality order.
   */
  static String rateCurves(
      List<RateCurves.Curve> curves,
      QualityMetric metric,
      Function<ConfigurationSummary, Double> x,
      String xLabel,
      String title,
      String id) {
    XYSeriesCollection dataset = new XYSeriesCollection();
    for (RateCurves.Curve c : curves) {
      XYSeries series = new XYSeries(c.label(), false, true);
      for (ConfigurationSummary s : c.points()) {
        Double xv = x.apply(s);
        Double yv = s.quality(metric);
        if (xv != null && yv != null && xv > 0) {
          series.add(xv, yv);
        }
      }
      if (series.getItemCount() > 0) {
        dataset.addSeries(series);
      }
    }
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            title,
            xLabel,
            metric.axisLabel(),
            dataset,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    XYPlot plot = chart.getXYPlot();
    plot.setRenderer(new XYLineAndShapeRenderer(true, true));
    org.jfree.chart.axis.LogAxis log = new org.jfree.chart.axis.LogAxis(xLabel);
    log.setSmallestValue(1e-6);
    plot.setDomainAxis(log);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
    return svg(chart, SCATTER_HEIGHT_PX, id);
  }

  /**
   * A density campaign's curve: streams N on x, W per stream (attributed) on the left axis and the
   * slowest window's speed on the right, one point per N tried.
   */
  static String densityCurve(List<io.vertx.core.json.JsonObject> steps, String title, String id) {
    XYSeries watts = new XYSeries("W per stream (attributed)", true, false);
    XYSeries speed = new XYSeries("min window speed (right axis; 0.99 = realtime)", true, false);
    for (io.vertx.core.json.JsonObject s : steps) {
      int n = s.getInteger("n");
      if (s.getDouble("watts_per_stream") != null) {
        watts.add(n, s.getDouble("watts_per_stream"));
      }
      if (s.getDouble("min_window_speed") != null) {
        speed.add(n, s.getDouble("min_window_speed"));
      }
    }
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            title,
            "streams N",
            "W per stream",
            new XYSeriesCollection(watts),
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    XYPlot plot = chart.getXYPlot();
    XYLineAndShapeRenderer left = new XYLineAndShapeRenderer(true, true);
    left.setSeriesPaint(0, POINT);
    plot.setRenderer(0, left);
    NumberAxis speedAxis = new NumberAxis("min window speed");
    speedAxis.setAutoRangeIncludesZero(false);
    plot.setRangeAxis(1, speedAxis);
    plot.setDataset(1, new XYSeriesCollection(speed));
    plot.mapDatasetToRangeAxis(1, 1);
    XYLineAndShapeRenderer right = new XYLineAndShapeRenderer(true, true);
    right.setSeriesPaint(0, FRONT);
    plot.setRenderer(1, right);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    ((NumberAxis) plot.getDomainAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    return svg(chart, SCATTER_HEIGHT_PX, id);
  }

  private static String svg(JFreeChart chart, int height, String id) {
    chart.setBackgroundPaint(Color.WHITE);
    SVGGraphics2D graphics = new SVGGraphics2D(WIDTH_PX, height);
    // Two charts on one page must not share clip-path ids.
    graphics.setDefsKeyPrefix(id + "-");
    chart.draw(graphics, new Rectangle(0, 0, WIDTH_PX, height));
    String element =
        graphics.getSVGElement(id, true, new ViewBox(0, 0, WIDTH_PX, height), null, null);
    return NAMESPACE_DECLARATION.matcher(element).replaceAll("");
  }
}
