"""Builds data/diabetes/diabetes.csv.gz from the two files scikit-learn 1.5.2 ships.

scikit-learn keeps the diabetes data (Efron, Hastie, Johnstone and Tibshirani, "Least Angle
Regression", Annals of Statistics 2004) as two gzipped files without a header: the ten
measurements of 442 patients, space-delimited, unscaled (`diabetes_data_raw.csv.gz`), and the
target, a measure of disease progression one year later (`diabetes_target.csv.gz`). This joins
them into one comma-separated table whose first line names the columns, keeping every value's
text as published (the targets, written as 1.510000000000000000e+02, are whole numbers and are
written as 151). The gzip header carries no file name or time, so the output is byte-for-byte
reproducible.

    pip download --no-deps scikit-learn==1.5.2 --only-binary=:all: -d /tmp/skl
    cd /tmp/skl && unzip -o scikit_learn-1.5.2-*.whl 'sklearn/datasets/data/diabetes*'
    python3 data/diabetes/make_csv.py /tmp/skl/sklearn/datasets/data
"""
import gzip
import os
import sys

COLUMNS = ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6", "progression"]
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "diabetes.csv.gz")


def main(source):
    with gzip.open(os.path.join(source, "diabetes_data_raw.csv.gz"), "rt") as f:
        rows = [line.split() for line in f if line.strip()]
    with gzip.open(os.path.join(source, "diabetes_target.csv.gz"), "rt") as f:
        targets = [float(line) for line in f if line.strip()]
    assert len(rows) == len(targets) == 442, (len(rows), len(targets))
    assert all(len(row) == 10 for row in rows)
    assert all(t == int(t) for t in targets)
    text = ",".join(COLUMNS) + "\n" + "".join(",".join(row + [str(int(t))]) + "\n" for row, t in zip(rows, targets))
    with open(OUT, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as f:
        f.write(text.encode("ascii"))


if __name__ == "__main__":
    main(sys.argv[1])
