# Copyright (c) segface-mmseg contributors. All rights reserved.
