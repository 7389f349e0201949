package io.tasklane.gateway.auth;

import java.util.Set;

/** Who a request acts for, once its credentials are accepted. */
record Caller(String name, String tenant, Set<String> scopes) {}
