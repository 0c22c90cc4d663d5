/**
 * The packet bus API: frame views, packet processors and their bands, the context a processor
 * acts through, and the core state services that outlive any module (owned addresses, ...).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.3.0")
package bng.core.api;
