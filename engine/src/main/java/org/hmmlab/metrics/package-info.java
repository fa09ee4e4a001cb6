/**
 * What every run measures: per-fault latency histograms with a breakdown by stage
 * ({@link org.hmmlab.metrics.StageBreakdown}, over HdrHistogram), counters ({@link org.hmmlab.metrics.Counters}),
 * bandwidth over time per link direction ({@link org.hmmlab.metrics.BandwidthSeries}) and an optional event
 * trace written as JSON lines ({@link org.hmmlab.metrics.TraceEvent}, {@link org.hmmlab.metrics.TraceWriter}).
 */
package org.hmmlab.metrics;
