# 容器云平台的高可用设计 · 交互式教程
# The two set-up commands (README): `make book` and `make test`. Every target does its own set-up
# (a .venv with the pinned requirements) and is idempotent.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.hakit-installed
PORT   ?= 8000

.PHONY: setup sysdeps book test lab serve bench mutation student cluster cluster-delete clean

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "需要 Python 3.11 或更新版本 (found " + sys.version.split()[0] + ")")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { echo "无法创建虚拟环境：Debian/Ubuntu 请先运行 sudo apt-get install python3-venv"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

setup: $(STAMP)

sysdeps:
	@bash tools/sysdeps.sh

## Build the HTML book into _build/html (warnings are errors) and print the page to open; first
## install the pinned browser runtime of the live panels (npm ci: Pyodide; pip download: wheels).
book: $(STAMP)
	@bash tools/sysdeps.sh book
	$(BIN)/python tools/browser_assets.py
	$(BIN)/python tools/build_book.py

## The whole test suite: unit + property tests, the book build, the browser test, nbval over every
## book notebook and the real-service labs (the Kubernetes labs, which stop nodes, only with HAKIT_K8S_LABS=1).
## The system packages it needs (Chromium, CJK fonts, etcd, Redis, HAProxy) are installed with apt on
## Debian/Ubuntu (sudo when not root) by tools/sysdeps.sh; elsewhere it names them and stops.
test: sysdeps $(STAMP)
	@bash tools/sysdeps.sh book
	$(BIN)/python -m pytest -q tests book labs --nbval-lax --nbval-current-env --nbval-cell-timeout=600 --timeout=1800

## JupyterLab on the course (live widgets, labs).
lab: $(STAMP)
	$(BIN)/jupyter lab --ip=127.0.0.1 --ServerApp.root_dir=$(CURDIR) $(if $(filter 0,$(shell id -u)),--allow-root)

## Serve the built book on http://127.0.0.1:$(PORT)/ (builds it first if needed).
serve: $(STAMP)
	@test -f _build/html/index.html || $(BIN)/python tools/build_book.py
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory _build/html $(PORT)

## Clean and cached build times, page weights, model/widget benchmarks, lab measurements.
bench: $(STAMP)
	$(BIN)/python tools/bench.py

## Mutation testing of hakit.models (tools/mutation.py): kill rate per module and overall, survivors listed.
mutation: $(STAMP)
	$(BIN)/python tools/mutation.py --jobs $(or $(JOBS),1)

## Student versions of every notebook with exercises (solutions replaced) into _build/student/.
student: $(STAMP)
	$(BIN)/python tools/make_student.py --out _build/student

## A local kind cluster for the Kubernetes labs (needs Docker and kind on your machine).
cluster:
	bash labs/cluster/create.sh

cluster-delete:
	bash labs/cluster/delete.sh

clean:
	rm -rf _build
