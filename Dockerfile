# toolbox debug image: one static musl binary and a link to it, /bin/tar, nothing else.
#
# Build with scripts/image, which compiles target/x86_64-unknown-linux-musl/release/toolbox first.
# The build context holds only that binary and image/rootfs (.dockerignore), and there is no
# base image to pull, so `podman build --target image .` works offline.
FROM scratch AS image

LABEL org.opencontainers.image.title="toolbox" \
      org.opencontainers.image.description="Debug distroless pods with kubectl debug: target discovery, root browsing, ps, syscall tracing, packet capture" \
      org.opencontainers.image.licenses="Apache-2.0"

COPY target/x86_64-unknown-linux-musl/release/toolbox /toolbox
# /bin/tar -> /toolbox: `kubectl cp POD:PATH ... -c DEBUGGER` runs `tar` in the debug container,
# and toolbox answers as tar (copying out of, and into, the target's root). A symlink kept in the
# repository, since a scratch image has no shell to `RUN ln`.
COPY image/rootfs/ /

# "/" on PATH lets `kubectl exec POD -c DEBUGGER -- toolbox ...` find the binary; the usual
# directories stay first for processes that toolbox starts in the target's root.
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/

ENTRYPOINT ["/toolbox"]
