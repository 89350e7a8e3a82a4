# Multi-stage build of the Vafa service.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/vafa ./server

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/vafa /usr/local/bin/vafa
ENV VAFA_ADDR=0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/vafa"]
CMD ["serve"]
