# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Install SegFace-MMSeg, an MMSegmentation 1.x plugin for face parsing."""
import os
import os.path as osp
import shutil
import sys
from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

HERE = osp.dirname(osp.abspath(__file__))
# Shipped inside the package as segface_mmseg/.mim/, as mmseg ships its own:
# segface_mmseg.zoo resolves config names there and mim reads the
# model index there. A source checkout uses them where they are.
MIM_FILES = ('configs', 'model-index.yml')


def read_requirements(name):
    """Requirement lines of ``requirements/<name>.txt``, comments dropped."""
    with open(osp.join(HERE, 'requirements', f'{name}.txt')) as f:
        lines = (line.split('#')[0].strip() for line in f)
        return [line for line in lines if line]


def read_version():
    namespace = {}
    with open(osp.join(HERE, 'segface_mmseg', 'version.py')) as f:
        exec(f.read(), namespace)
    return namespace['__version__']


class BuildWithMimFiles(build_py):
    """``build_py`` that also copies :data:`MIM_FILES` into the built
    package's ``.mim`` folder (wheels, and installs from an sdist)."""

    def run(self):
        super().run()
        mim = osp.join(self.build_lib, 'segface_mmseg', '.mim')
        for name in MIM_FILES:
            src, dst = osp.join(HERE, name), osp.join(mim, name)
            if osp.isdir(dst):
                shutil.rmtree(dst)
            if osp.isdir(src):
                shutil.copytree(
                    src, dst, ignore=shutil.ignore_patterns('__pycache__'))
            else:
                self.mkpath(mim)
                shutil.copyfile(src, dst)


def link_mim_files():
    """In an editable install, link :data:`MIM_FILES` into the source
    package's ``.mim`` folder (as mmseg's ``add_mim_extension`` does in
    develop mode), so that ``mim search`` / ``mim download`` read the
    checkout's own files. The links are git-ignored."""
    mim = osp.join(HERE, 'segface_mmseg', '.mim')
    os.makedirs(mim, exist_ok=True)
    for name in MIM_FILES:
        link = osp.join(mim, name)
        if osp.islink(link) or osp.isfile(link):
            os.remove(link)
        elif osp.isdir(link):
            shutil.rmtree(link)
        os.symlink(osp.relpath(osp.join(HERE, name), mim), link)


if {'develop', 'editable_wheel'} & set(sys.argv):
    link_mim_files()

setup(
    name='segface-mmseg',
    version=read_version(),
    description='SegFace face parsing (AAAI 2025) as an MMSegmentation plugin',
    long_description=open(osp.join(HERE, 'README.md')).read(),
    long_description_content_type='text/markdown',
    keywords='face parsing, semantic segmentation, mmsegmentation, segface',
    packages=find_packages(
        include=('segface_mmseg', 'segface_mmseg.*', 'segface_runtime')),
    cmdclass=dict(build_py=BuildWithMimFiles),
    entry_points=dict(console_scripts=[
        'segface = segface_mmseg.cli.main:main',
        'segface-onnx = segface_runtime.cli:main'
    ]),
    python_requires='>=3.8',
    install_requires=read_requirements('runtime'),
    extras_require=dict(
        tests=read_requirements('tests'),
        torch=read_requirements('torch_cpu'),
        onnx=read_requirements('onnx'),
        mim=read_requirements('mim')),
    license='MIT',
    classifiers=[
        'Programming Language :: Python :: 3',
        'Topic :: Scientific/Engineering :: Image Recognition',
    ],
    zip_safe=False)
