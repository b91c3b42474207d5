/** The storage a `--storage` URL names. */
import { fileURLToPath } from 'node:url';
import { SidecarConfig } from '../config';
import { FileStorage } from './file-storage';
import { parseS3Url, S3Storage } from './s3-storage';
import { ObjectStorage } from './types';

export function openStorage(
  config: Pick<
    SidecarConfig,
    'storage' | 's3Endpoint' | 's3Region' | 's3PathStyle' | 's3ListPageSize' | 'storageTimeoutMs'
  >
): ObjectStorage {
  if (config.storage.startsWith('file://')) {
    return new FileStorage(fileURLToPath(config.storage));
  }
  const { bucket, prefix } = parseS3Url(config.storage);
  return new S3Storage({
    bucket,
    prefix,
    endpoint: config.s3Endpoint,
    region: config.s3Region,
    pathStyle: config.s3PathStyle,
    timeoutMs: config.storageTimeoutMs,
    listPageSize: config.s3ListPageSize,
  });
}
