# syntax=docker/dockerfile:1
# Duijie as a static binary on a small non-root image.
#   docker build -t duijie .
#   docker run --rm -e TELEGRAM_BOT_TOKEN=… -e REDIS_URL=redis://… duijie

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/duijie ./cmd/duijie

# distroless/static: CA certificates, time zone data and /etc/passwd with a
# nonroot user, nothing else (no shell, no package manager).
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/duijie /usr/local/bin/duijie
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/duijie"]
CMD ["serve"]
