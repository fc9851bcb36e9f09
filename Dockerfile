# toolbox debug image: one static musl binary, links to it (/bin/tar, /bin/test) and its licences
# (/licenses), nothing else.
#
# Build with scripts/image, which compiles target/x86_64-unknown-linux-musl/release/toolbox first.
# The build context holds only that binary, image/rootfs (the links) and the licences
# (.dockerignore), and there is no base image to pull, so `podman build --target image .` works
# offline.
FROM scratch AS image

LABEL org.opencontainers.image.title="toolbox" \
      org.opencontainers.image.description="Debug distroless pods with kubectl debug: target discovery, root browsing, ps, syscall tracing, packet capture" \
      org.opencontainers.image.licenses="Apache-2.0"

COPY target/x86_64-unknown-linux-musl/release/toolbox /toolbox
# toolbox's licence and NOTICE, and the licences of what is linked into it (scripts/licenses).
COPY LICENSE NOTICE licenses/THIRD-PARTY-NOTICES licenses/libpcap licenses/musl /licenses/
# /bin/tar and /bin/test -> /toolbox: `kubectl cp ... -c DEBUGGER` runs `test -d DEST` and `tar`
# in the debug container, and toolbox answers as them in the target's root (copying out of it,
# and into it). Symlinks kept in the repository: a scratch image has no shell to `RUN ln`.
COPY image/rootfs/ /

# "/" on PATH lets `kubectl exec POD -c DEBUGGER -- toolbox ...` find the binary; the usual
# directories stay first for processes that toolbox starts in the target's root.
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/

ENTRYPOINT ["/toolbox"]
