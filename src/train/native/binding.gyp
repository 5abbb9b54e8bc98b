{
  "targets": [
    {
      "target_name": "trainbook_sgemm",
      "sources": ["sgemm.c"],
      "libraries": ["-lopenblas"],
      "cflags": ["-O2", "-std=c11"]
    }
  ]
}
