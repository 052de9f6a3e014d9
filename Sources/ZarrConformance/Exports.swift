@_exported import ZarrCore
