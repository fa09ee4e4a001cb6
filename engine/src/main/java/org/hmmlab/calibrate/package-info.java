/**
 * Calibration: the timing model against published measurements ({@link org.hmmlab.calibrate.Calibration}),
 * printed by {@code ./hmmlab calibrate} ({@link org.hmmlab.calibrate.Calibrate}).
 */
package org.hmmlab.calibrate;
