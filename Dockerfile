# One image recipe for every Tasklane service. The jar is built beforehand on the host:
#
#   ./mvnw -DskipTests package
#   docker build --build-arg MODULE=task-ledger-service -t tasklane/task-ledger-service:dev .
#
# MODULE is one of gateway-service, task-ledger-service, runner-service, notifier-service.
FROM eclipse-temurin:21-jre

ARG MODULE
ARG VERSION=0.1.0-SNAPSHOT

# A fixed numeric user, so Kubernetes can check runAsNonRoot without looking up names.
RUN groupadd --system --gid 10001 tasklane \
 && useradd --system --uid 10001 --gid tasklane --home-dir /app --no-create-home \
      --shell /usr/sbin/nologin tasklane \
 && mkdir -p /app \
 && chown root:root /app

WORKDIR /app
COPY --chown=root:root --chmod=0444 ${MODULE}/target/${MODULE}-${VERSION}-exec.jar /app/app.jar

# The JVM sizes its heap from the container's memory limit (container support is on by default
# in Java 21); 75 % leaves room for metaspace, thread stacks and direct buffers.
# /tmp is the only place the services write (Tomcat work files, runner task workspaces); mount a
# writable volume there when the root file system is read-only.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:InitialRAMPercentage=25 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp"

LABEL org.opencontainers.image.title="tasklane-${MODULE}" \
      org.opencontainers.image.version="${VERSION}"

USER 10001:10001
ENTRYPOINT ["java", "-jar", "/app/app.jar"]
