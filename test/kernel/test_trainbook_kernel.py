"""jupyter_kernel_test suite for the trainbook kernel (every check with a real TypeScript sample).

Run through test/kernel/jupyter-kernel-test.test.ts, which installs the kernelspec into a temporary
JUPYTER_PATH; by hand: JUPYTER_PATH=<dir holding kernels/trainbook> python3 -m unittest -v test_trainbook_kernel
"""
import unittest

import jupyter_kernel_test

TENSOR_CODE = 'import * as tf from "@tensorflow/tfjs";\ntf.tensor1d([1.5, 2, 3])'
FRAME_CODE = 'import * as dfd from "danfojs-node";\nnew dfd.DataFrame({ sepal: [5.1, 4.9], species: ["setosa", "setosa"] })'
MIME_CODE = '({ [Symbol.for("trainbook.mimeBundle")]() { return { "text/html": "<b>rich</b>", "text/plain": "rich" }; } })'


class TrainbookKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "trainbook"
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("written to stderr")'

    completion_samples = [
        {"text": "Math.ab", "matches": {"abs"}},
        {"text": "const greeting = 'hi';\ngreet", "matches": {"greeting"}},
    ]

    complete_code_samples = ["1 + 1", "const x = 1;", "function f(n: number) {\n  return n;\n}"]
    incomplete_code_samples = ["function f(n: number) {", "const xs = [1, 2,", "const s = `abc"]
    invalid_code_samples = ["const = 1;", "let 5x = 3;", "1 + )"]

    code_page_something = "Math.max?"

    code_generate_error = 'throw new Error("deliberate failure")'

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"a" + "b"', "result": "'ab'"},
        {"code": TENSOR_CODE, "result": "tensor([1.5000, 2.0000, 3.0000])"},
        {"code": TENSOR_CODE, "mime": "text/html"},
        {"code": MIME_CODE, "mime": "text/html", "result": "<b>rich</b>"},
        {"code": FRAME_CODE, "mime": "text/html"},
        {"code": FRAME_CODE, "mime": "text/plain"},
    ]

    code_display_data = [
        {"code": 'display({ [Symbol.for("trainbook.mimeBundle")]() { return { "text/html": "<i>shown</i>" }; } })', "mime": "text/html"},
        {"code": 'import * as tslab from "tslab";\ntslab.display.html("<u>tslab api</u>")', "mime": "text/html"},
        {"code": 'display("plain text")', "mime": "text/plain"},
    ]

    code_history_pattern = "6?*?7"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "Math.max"

    code_clear_output = "clearOutput()"


class TrainbookIopubWelcomeTests(jupyter_kernel_test.IopubWelcomeTests):
    kernel_name = "trainbook"
    support_iopub_welcome = True


if __name__ == "__main__":
    unittest.main()
