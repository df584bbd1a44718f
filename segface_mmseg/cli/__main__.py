# Copyright (c) segface-mmseg contributors. All rights reserved.
import sys

from .main import main

sys.exit(main())
