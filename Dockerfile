# Basegun's one image: the API, the web app and the embedded ONNX models. No torch, no training code.
# The same image runs the API (`basegun serve`, the default), the workers (`basegun worker`) and the one-shot
# preparation before a rollout (`basegun migrate`): deploy/compose.yaml and deploy/kubernetes/.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY basegun ./basegun
COPY api ./api
COPY cli ./cli
RUN pip install --no-cache-dir --prefix=/install .

# ONNX Runtime Web, for the web app to identify without a network (vendor/NOTICE.md).
FROM node:20-slim AS web
WORKDIR /src
COPY vendor ./vendor
RUN sh vendor/install.sh

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    BASEGUN_MODELS_DIR=/app/models BASEGUN_FRONTEND_DIR=/app/frontend BASEGUN_DATA_DIR=/data
RUN useradd --system --uid 10001 --home-dir /app basegun && mkdir -p /data && chown basegun /data
COPY --from=build /install /usr/local
WORKDIR /app
COPY --chown=root:root models ./models
COPY --chown=root:root frontend ./frontend
COPY --from=web --chown=root:root /src/frontend/vendor ./frontend/vendor
USER basegun
EXPOSE 8000
VOLUME ["/data"]
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"]
CMD ["basegun", "serve", "--host", "0.0.0.0", "--port", "8000"]
