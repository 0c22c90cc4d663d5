/** Fuzz targets (Jazzer) and their invariants: decoder, bus with every processor, configuration parser. */
package bng.itests.fuzz;
