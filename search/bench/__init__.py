"""The search benchmark: a synthetic Arabic news archive, a fixed query mix and a runner.

`python -m search.bench --articles N` (or `make bench N=...`) imports N generated articles into a
throw-away data dir through the real import command and times searches through the real API.
"""
