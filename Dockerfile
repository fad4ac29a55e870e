# Build stage: the official Swift image of our toolchain version.
FROM swift:6.3.1-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends libsqlite3-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Manifest first so dependency resolution caches (there are no dependencies, but the layer is cheap).
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --product ocop --static-swift-stdlib \
 && install -D "$(swift build -c release --show-bin-path)/ocop" /out/ocop

# Runtime stage: slim Debian with only the SQLite library.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libsqlite3-0 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /var/lib/ocop --shell /usr/sbin/nologin ocop \
 && mkdir -p /var/lib/ocop \
 && chown ocop:ocop /var/lib/ocop
COPY --from=build /out/ocop /usr/local/bin/ocop
COPY config/ocop.json /etc/ocop/ocop.json
ENV OCOP_CONFIG=/etc/ocop/ocop.json \
    OCOP_HOST=0.0.0.0 \
    OCOP_PORT=8080 \
    OCOP_DATABASE=/var/lib/ocop/ocop.sqlite
VOLUME ["/var/lib/ocop"]
USER ocop
EXPOSE 8080
# No curl in the image: bash's /dev/tcp is enough to ask /readyz, which answers 200 only while the
# database answers too (/healthz would stay 200 with the volume gone). The server binds only after
# migrating, which takes tens of seconds on a large province's upgrade: the start period covers it.
HEALTHCHECK --interval=15s --timeout=3s --start-period=120s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${OCOP_PORT}; printf 'GET /readyz HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3; head -n 1 <&3 | grep -q ' 200 '"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/ocop"]
CMD ["serve"]
