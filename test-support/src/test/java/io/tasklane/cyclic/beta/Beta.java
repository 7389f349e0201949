package io.tasklane.cyclic.beta;

import io.tasklane.cyclic.alpha.Alpha;

/** The other half of a package cycle the boundary rules must reject. */
public class Beta {

  public Alpha partner() {
    return new Alpha();
  }
}
