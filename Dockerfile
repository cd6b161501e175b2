# cohortd in a container. Build: docker build -t cohortd .  (needs a Docker engine and internet
# access for the base images and Swift packages; see README "Running on PostgreSQL").
FROM swift:6.3-bookworm AS build
WORKDIR /src
COPY . .
RUN swift build -c release --product cohortd --product cohort \
 && mkdir /out && cp .build/release/cohortd .build/release/cohort /out/

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates libcurl4 libxml2 tzdata \
 && rm -rf /var/lib/apt/lists/* && useradd --system --create-home cohort
COPY --from=build /usr/lib/swift/linux/*.so* /usr/lib/swift/linux/
COPY --from=build /out/ /usr/local/bin/
ENV LD_LIBRARY_PATH=/usr/lib/swift/linux COHORT_HOME=/var/lib/cohort
RUN mkdir -p /var/lib/cohort && chown cohort /var/lib/cohort
USER cohort
EXPOSE 7443
ENTRYPOINT ["cohortd", "--host", "0.0.0.0"]
