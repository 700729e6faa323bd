# SPDX-License-Identifier: MIT
"""Builds the actfn Python package: the C library by CMake (its static archive, which
exports only the public API), then the NumPy extension python/actfn/_actfn.c linked to
it. make python builds it in place; /usr/bin/python3 -m pip install --no-build-isolation .
installs it."""
import os
import subprocess

import numpy
from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.environ.get("ACTFN_PYTHON_BUILD", os.path.join(HERE, "build-python"))


class BuildWithLibrary(build_ext):
    def run(self):
        subprocess.check_call(["cmake", "-S", HERE, "-B", BUILD, "-DCMAKE_BUILD_TYPE=Release",
                               "-DACTFN_BUILD_TESTS=OFF"], stdout=subprocess.DEVNULL)
        subprocess.check_call(["cmake", "--build", BUILD, "-j", str(os.cpu_count() or 1),
                               "--target", "actfn_static_archive"])
        for extension in self.extensions:
            library = os.path.join(BUILD, "libactfn.a")
            extension.extra_objects = [library]
            # relinked when the library changes, not only when _actfn.c does (setuptools
            # checks sources and depends, never extra_objects)
            extension.depends = [library]
        super().run()


setup(
    name="actfn",
    version="0.1.0",
    description="ReLU and its family as NumPy ufuncs, on the actfn C library",
    license="MIT",
    license_files=["LICENSE"],
    classifiers=["License :: OSI Approved :: MIT License"],
    packages=["actfn"],
    package_dir={"": "python"},
    ext_modules=[Extension(
        "actfn._actfn", ["python/actfn/_actfn.c"],
        include_dirs=[numpy.get_include(), os.path.join(HERE, "include")],
        libraries=["m", "pthread"],
        extra_compile_args=["-std=c11", "-Wall", "-Wextra", "-Werror"],
    )],
    cmdclass={"build_ext": BuildWithLibrary},
)
