# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Install SegFace-MMSeg, an MMSegmentation 1.x plugin for face parsing."""
import os.path as osp
from setuptools import find_packages, setup

HERE = osp.dirname(osp.abspath(__file__))


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


setup(
    name='segface-mmseg',
    version=read_version(),
    description='SegFace face parsing (AAAI 2025) as an MMSegmentation plugin',
    long_description=open(osp.join(HERE, 'README.md')).read(),
    long_description_content_type='text/markdown',
    keywords='face parsing, semantic segmentation, mmsegmentation, segface',
    packages=find_packages(exclude=('configs', 'tools', 'tests', 'demo')),
    python_requires='>=3.8',
    install_requires=read_requirements('runtime'),
    extras_require=dict(
        tests=read_requirements('tests'),
        torch=read_requirements('torch_cpu')),
    license='MIT',
    classifiers=[
        'Programming Language :: Python :: 3',
        'License :: OSI Approved :: MIT License',
        'Topic :: Scientific/Engineering :: Image Recognition',
    ],
    zip_safe=False)
