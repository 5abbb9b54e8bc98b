# nbgrader configuration for teaching the trainbook course: each section of notebooks/ is one assignment.
# Run nbgrader from the repository root (see "Teach a class" in README.md).
c = get_config()  # noqa: F821 (nbgrader provides get_config)

# The assignments are the section folders: iris, ag-news, fashion-mnist, diabetes.
c.CourseDirectory.source_directory = "notebooks"
# What the notebooks write when they run (models, checkpoints) is not part of an assignment.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "*.safetensors", "iris-model"]

# TypeScript has no stub in nbgrader: this one marks the answer's place and fails the exercise's check
# with a message that says it is not done (trainbook/checks recognises "exercise not done").
c.ClearSolutions.code_stub = dict(
    typescript='// YOUR CODE HERE\nthrow new Error("exercise not done: write your answer here, run this cell, then its check");',
)
c.ClearSolutions.begin_solution_delimeter = "BEGIN SOLUTION"
c.ClearSolutions.end_solution_delimeter = "END SOLUTION"
c.ClearHiddenTests.begin_test_delimeter = "BEGIN HIDDEN TESTS"
c.ClearHiddenTests.end_test_delimeter = "END HIDDEN TESTS"

# Notebooks ask for the "trainbook" kernel (npx trainbook install-kernel). A cell that runs longer than this
# many seconds is interrupted (the trainbook kernel stops even `while (true) {}`: test/classroom submits one)
# and gets a CellTimeoutError output; grading goes on with the next cell.
c.Execute.timeout = 120
c.Execute.interrupt_on_timeout = True

c.CourseDirectory.course_id = "trainbook"

# The notebooks read ../../data/<name> (data/ of this checkout, seen from notebooks/<section>/). A graded copy
# runs in autograded/<student>/<section>/, one folder deeper, so its ../../data is autograded/data: link it.
import os  # noqa: E402

COURSE_DATA = os.path.abspath("data")


def link_course_data(notebook_dir):
    data = os.path.normpath(os.path.join(notebook_dir, "..", "..", "data"))
    if not os.path.exists(data) and os.path.isdir(COURSE_DATA):
        os.symlink(COURSE_DATA, data)


# A submission that kills its kernel (process.exit, a crash) makes nbclient raise DeadKernelError and nbgrader
# drop the whole notebook with no grades. This Execute records the death as the cell's error, restarts the
# kernel and goes on, so that cell and the ones that needed its kernel score 0 and the rest are graded.
import nbformat  # noqa: E402
from jupyter_core.utils import ensure_async, run_sync  # noqa: E402
from nbclient.exceptions import DeadKernelError  # noqa: E402
from nbgrader.converters import Autograde  # noqa: E402
from nbgrader.preprocessors import Execute  # noqa: E402


class ExecuteSurvivingKernelDeath(Execute):
    """nbgrader's Execute, but a cell that kills the kernel gets an error output and the kernel is restarted,
    and the course's data folder is linked where the graded notebook looks for it."""

    def preprocess(self, nb, resources=None, km=None):
        path = (resources or {}).get("metadata", {}).get("path")
        if path:
            link_course_data(path)
        return super().preprocess(nb, resources, km)

    async def restart_after(self, cell, cell_index, ename, message):
        cell.outputs.append(nbformat.v4.new_output("error", ename=ename, evalue=message, traceback=[f"{ename}: {message}"]))
        self.log.warning("cell %d ended the kernel; restarting it and going on", cell_index)
        await ensure_async(self.km.restart_kernel(now=True))
        await ensure_async(self.kc.wait_for_ready(timeout=self.startup_timeout))

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        try:
            cell = await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        except DeadKernelError:
            message = "the kernel died while this cell ran; it was restarted, so the cells after this one ran in a fresh kernel"
            await self.restart_after(cell, cell_index, "DeadKernelError", message)
            return cell
        # The trainbook kernel answers a cell's process.exit(n) with a SystemExit error, then ends: restart it here,
        # so the next cell does not find a dead kernel.
        if any(o.get("output_type") == "error" and o.get("ename") == "SystemExit" for o in cell.get("outputs", [])):
            message = "the cell called process.exit, which ended the kernel; it was restarted, so the cells after this one ran in a fresh kernel"
            await self.restart_after(cell, cell_index, "KernelRestarted", message)
        return cell

    execute_cell = run_sync(async_execute_cell)


c.Autograde.autograde_preprocessors = [
    ExecuteSurvivingKernelDeath if step is Execute else step for step in Autograde.autograde_preprocessors.default()
]
