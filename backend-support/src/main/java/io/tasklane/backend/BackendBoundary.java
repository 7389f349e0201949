package io.tasklane.backend;

import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Everything a backend checks at its HTTP boundary, imported by each servlet backend: identity only
 * from a valid signature, strict request bodies, and problems for the container's own errors.
 */
@Configuration
@Import({SignedCallers.class, StrictJson.class, ContainerErrors.class})
public class BackendBoundary {}
