# Vafa: see README.md. `make dev` runs the service, `make test` runs every test.
.PHONY: dev test build bench bench-quick cluster-test lint compose-check plugin-zip

dev:
	bash scripts/dev.sh

test:
	bash scripts/test.sh

build:
	go build -o bin/vafa ./server

bench:
	go run ./bench

bench-quick:
	go run ./bench -quick

cluster-test:
	bash scripts/cluster-test.sh

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt:"; echo "$$out"; exit 1; fi
	go vet ./...

plugin-zip:
	bash scripts/plugin-zip.sh

compose-check:
	@if docker compose version >/dev/null 2>&1; then docker compose --env-file .env.example -f docker-compose.yml config --quiet && \
		docker compose --env-file .env.example -f docker-compose.yml -f docker-compose.galera.yml config --quiet; \
	elif python3 -c 'import yaml' 2>/dev/null; then python3 -c 'import yaml,sys; d=yaml.safe_load(open("docker-compose.yml")); assert {"mariadb","vafa","caddy"} <= set(d["services"]), "services missing"; assert "8080:8080" not in str(d["services"]["vafa"]), "the service must not be published without TLS"; g=yaml.safe_load(open("docker-compose.galera.yml")); assert {"mariadb","mariadb2","mariadb3"} <= set(g["services"]), "galera nodes missing"; assert all("--wsrep-on=ON" in g["services"][n]["command"] for n in ("mariadb","mariadb2","mariadb3")), "a node without wsrep"'; \
	else echo "skip: neither docker compose nor PyYAML here"; exit 0; fi
	@echo "docker-compose.yml parses"
