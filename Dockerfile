# Praktijkenbank: a static binary on a minimal base, running as a non-root user.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/praktijkenbank ./cmd/praktijkenbank \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/praktijkenbank /praktijkenbank
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
ENV PRAKTIJKENBANK_ADDR=:8080 \
    PRAKTIJKENBANK_DATA_DIR=/data \
    PRAKTIJKENBANK_LOG_FORMAT=json
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=30s --retries=3 \
  CMD ["/praktijkenbank", "healthcheck"]
ENTRYPOINT ["/praktijkenbank"]
CMD ["serve"]
