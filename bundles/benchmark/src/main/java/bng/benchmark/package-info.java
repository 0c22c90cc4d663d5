/**
 * BalanceNG module {@code benchmark}: {@code benchmark IF1 IF2} sends frames out of one interface
 * and counts them in on the other, {@code show benchmark} reports. Private.
 */
package bng.benchmark;
