/**
 * The BalanceNG configuration language: parser, immutable configuration snapshots, errors with
 * file, line and column, and the saved-file writer. Pure Java, no OSGi, so that the command line
 * client can validate a file before it starts anything.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package bng.core.config;
