package io.tasklane.cyclic.alpha;

import io.tasklane.cyclic.beta.Beta;

/** Half of a package cycle the boundary rules must reject. */
public class Alpha {

  public Beta partner() {
    return new Beta();
  }
}
