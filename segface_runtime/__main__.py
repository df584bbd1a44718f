# Copyright (c) segface-mmseg contributors. All rights reserved.
import sys

from .cli import main

sys.exit(main())
