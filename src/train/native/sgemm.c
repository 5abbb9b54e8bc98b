/*
 * trainbook_sgemm: an optional native addon that lets TensorFlow.js's wasm backend compute its
 * matrix products with OpenBLAS's sgemm, reading and writing the wasm heap in place.
 *
 * Build (needs a C compiler, node's headers and libopenblas-dev):
 *   node-gyp rebuild --directory src/train/native
 * src/train/native-blas.ts loads it when present; without it trainbook uses XNNPACK.
 */
#include <node_api.h>
#include <cblas.h>
#include <stdbool.h>
#include <stdint.h>

static int64_t arg_i64(napi_env env, napi_value v) {
  int64_t x = -1;
  napi_get_value_int64(env, v, &x);
  return x;
}

/*
 * matmul(heap, aOffset, bOffset, outOffset, m, n, k, transposeA, transposeB, biasOffset, biasSize, relu)
 *   out[m, n] = op(a) · op(b) (+ bias broadcast over the last dimension) (then max(0, .) if relu)
 * Offsets are byte offsets into `heap` (the wasm memory's ArrayBuffer); biasOffset < 0: no bias.
 */
static napi_value Matmul(napi_env env, napi_callback_info info) {
  size_t argc = 12;
  napi_value argv[12];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 12) {
    napi_throw_error(env, NULL, "trainbook_sgemm.matmul: expected 12 arguments");
    return NULL;
  }
  void *data = NULL;
  size_t length = 0;
  if (napi_get_arraybuffer_info(env, argv[0], &data, &length) != napi_ok) {
    napi_throw_type_error(env, NULL, "trainbook_sgemm.matmul: argument 0 must be an ArrayBuffer (the wasm heap)");
    return NULL;
  }
  int64_t ao = arg_i64(env, argv[1]), bo = arg_i64(env, argv[2]), co = arg_i64(env, argv[3]);
  int64_t m = arg_i64(env, argv[4]), n = arg_i64(env, argv[5]), k = arg_i64(env, argv[6]);
  bool ta = false, tb = false, relu = false;
  napi_get_value_bool(env, argv[7], &ta);
  napi_get_value_bool(env, argv[8], &tb);
  int64_t biaso = arg_i64(env, argv[9]), biasn = arg_i64(env, argv[10]);
  napi_get_value_bool(env, argv[11], &relu);
  int64_t len = (int64_t)length;
  if (m < 1 || n < 1 || k < 1 || ao < 0 || bo < 0 || co < 0 || ao + 4 * m * k > len || bo + 4 * k * n > len ||
      co + 4 * m * n > len || (biaso >= 0 && (biasn < 1 || biaso + 4 * biasn > len))) {
    napi_throw_range_error(env, NULL, "trainbook_sgemm.matmul: an operand lies outside the heap or a size is not positive");
    return NULL;
  }
  const float *a = (const float *)((char *)data + ao);
  const float *b = (const float *)((char *)data + bo);
  float *c = (float *)((char *)data + co);
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (int)m, (int)n, (int)k, 1.0f,
              a, ta ? (int)m : (int)k, b, tb ? (int)k : (int)n, 0.0f, c, (int)n);
  if (biaso >= 0) {
    const float *bias = (const float *)((char *)data + biaso);
    for (int64_t i = 0; i < m * n; i++) c[i] += bias[(i % n) % biasn];
  }
  if (relu) {
    for (int64_t i = 0; i < m * n; i++) c[i] = c[i] > 0.0f ? c[i] : 0.0f;
  }
  return NULL;
}

static napi_value SetThreads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int64_t threads = argc == 1 ? arg_i64(env, argv[0]) : 1;
  openblas_set_num_threads(threads < 1 ? 1 : (int)threads);
  return NULL;
}

static napi_value GetConfig(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  napi_create_string_utf8(env, openblas_get_config(), NAPI_AUTO_LENGTH, &out);
  return out;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_value f;
  napi_create_function(env, "matmul", NAPI_AUTO_LENGTH, Matmul, NULL, &f);
  napi_set_named_property(env, exports, "matmul", f);
  napi_create_function(env, "setThreads", NAPI_AUTO_LENGTH, SetThreads, NULL, &f);
  napi_set_named_property(env, exports, "setThreads", f);
  napi_create_function(env, "config", NAPI_AUTO_LENGTH, GetConfig, NULL, &f);
  napi_set_named_property(env, exports, "config", f);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
