/**
 * The engine's speed and memory figures ({@code ./hmmlab bench}): suites of measurements with their targets.
 */
package org.hmmlab.bench;
