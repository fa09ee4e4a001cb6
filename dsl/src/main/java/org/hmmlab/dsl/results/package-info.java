/** Results as tables first and charts second; each renders itself through {@link org.hmmlab.dsl.results.Displayable}. */
package org.hmmlab.dsl.results;
