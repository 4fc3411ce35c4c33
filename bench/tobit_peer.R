# Peer timing for bench/tobit.sh: AER::tobit (survival::survreg) on the first
# n rows, median of `reps` fits. Prints CSV: what, n, ms, estimates, logLik.
args <- commandArgs(trailingOnly = TRUE)
suppressPackageStartupMessages(library(AER))
d <- read.csv(args[1])
reps <- as.integer(args[2])
cat(sprintf("versions,%s,%s,%s\n", paste(R.version$major, R.version$minor, sep = "."),
            packageVersion("AER"), packageVersion("survival")))
for (n in c(1e4, 1e5, 1e6)) {
  s <- d[d$rn <= n, ]
  times <- numeric(0)
  for (r in seq_len(if (n >= 1e6) max(1, reps %/% 2) else reps)) {
    t0 <- proc.time()[["elapsed"]]
    f <- tobit(y ~ x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8, left = 0, data = s)
    times <- c(times, 1000 * (proc.time()[["elapsed"]] - t0))
  }
  cat(sprintf("pooled,%d,%.3f,%s,%.17g\n", as.integer(n), median(times),
              paste(sprintf("%.17g", coef(f)), collapse = " "), as.numeric(logLik(f))))
}
