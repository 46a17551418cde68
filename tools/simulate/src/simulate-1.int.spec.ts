import { describeCiHalf } from './ci-half';

describeCiHalf(1);
