/**
 * Operations around the balancer: Prometheus metrics ({@code /metrics}) and a live status page
 * ({@code /}, {@code /status.json}) on one local HTTP listener, read from core's counters only.
 */
package bng.metrics;
